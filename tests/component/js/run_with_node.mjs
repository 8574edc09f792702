// Runs hello.js's run() under node, for comparison with the component's output.
import { run } from './hello.js';
run.run();
