// Key presses as a terminal sends them, written to ink-testing-library's stdin.
const arrowUp = '\u001B[A';
const arrowDown = '\u001B[B';
export const arrowRight = '\u001B[C';
export const arrowLeft = '\u001B[D';
const pageDown = '\u001B[6~';
const pageUp = '\u001B[5~';
export const enter = '\r';
const escape = '\u001B';
export const ctrlC = '\u0003';
