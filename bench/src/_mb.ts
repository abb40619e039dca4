import { frozenJsonCopy } from "../../packages/checkpoint/src/json-copy.ts";
const mk = (i: number) => ({ timing: { graph: "graph", nodes: { [`n${i % 100}`]: [0.1] }, models: {} }, schemaFingerprint: "d161a681178caf09", nodes: [`n${i%100}`], changed: ["count"], next: [`n${(i+1)%100}`], snapshot: false });
const ms = Array.from({ length: 1000 }, (_, i) => mk(i));
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  let x = 0;
  for (let k = 0; k < 100; k++) for (const m of ms) { if (frozenJsonCopy(m)) x++; }
  console.log("copy µs", ((performance.now() - t0) * 1000 / 100000).toFixed(3));
  const t1 = performance.now();
  for (let k = 0; k < 100; k++) for (const m of ms) { JSON.stringify(m); }
  console.log("stringify µs", ((performance.now() - t1) * 1000 / 100000).toFixed(3));
}
