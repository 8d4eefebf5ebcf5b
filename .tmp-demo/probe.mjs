const t0 = performance.now();
await import('../src/ui/app.tsx');
const t1 = performance.now();
console.log('import app.tsx ms', Math.round(t1 - t0));
