// A JavaScript program made into a WASI command component by componentize-js (a whole JS
// engine inside). The test runs it under `ironclad run` and under node, and compares.
export const run = {
  run() {
    const primes = [];
    for (let n = 2; primes.length < 10; ++n) {
      if (primes.every((p) => n % p !== 0)) primes.push(n);
    }
    console.log("primes", primes.join(","));
    console.log("json", JSON.stringify({ a: [1, 2.5, "x"], b: { c: null, d: true } }));
    console.log("math", Math.sqrt(2).toFixed(12), (0.1 + 0.2).toString(), 2 ** 53 + 1);
    const words = "the quick brown fox jumps over the lazy dog".split(" ");
    console.log("sorted", words.slice().sort().join(" "));
    console.log("unicode", "héllo ☃ 😀".length, [..."héllo ☃ 😀"].length, "ÄÖÜ".toLowerCase());
    const m = new Map([["k", 1], ["j", 2]]);
    console.log("map", [...m.entries()].map(([k, v]) => k + v).join(";"));
    console.log("regexp", "a1b22c333".replace(/\d+/g, (d) => `<${d.length}>`));
    console.log("date", new Date(Date.UTC(2020, 1, 29, 12, 0, 0)).toISOString());
    return { tag: "ok" };
  },
};
