const t0 = performance.now();
await import('ink'); await import('react');
console.log('ink+react ms', Math.round(performance.now() - t0));
