// Runs the page's codec (codec.wasm.gz) under node for TestCodecNode: reads
// a JSON list of cases from the file named by argv[3], makes the calls of
// codec-cases.js, and prints one JSON result per case.
//   node codec-node.js WASM_EXEC_JS CASES_JSON CODEC_WASM_GZ
"use strict";
const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const runCodecCases = require(path.join(__dirname, "codec-cases.js"));
require(process.argv[2]); // defines globalThis.Go
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const wasm = zlib.gunzipSync(fs.readFileSync(process.argv[4]));
(async () => {
  const go = new Go();
  const ready = new Promise((resolve) => { globalThis.qrtcCodecReady = resolve; });
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance);
  await ready;
  const out = runCodecCases(globalThis.qrtcCodec, cases);
  // exit only once the pipe has taken everything
  process.stdout.write(JSON.stringify(out), () => process.exit(0));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
