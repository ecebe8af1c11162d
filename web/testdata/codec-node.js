// Runs the page's codec (codec.wasm.gz) under node for TestCodecNode: reads
// a JSON list of cases from the file named by argv[3], calls the module as
// the page does, and prints one JSON result per case.
//   node codec-node.js WASM_EXEC_JS CASES_JSON CODEC_WASM_GZ
"use strict";
const fs = require("fs");
const zlib = require("zlib");
require(process.argv[2]); // defines globalThis.Go
const cases = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const wasm = zlib.gunzipSync(fs.readFileSync(process.argv[4]));
(async () => {
  const go = new Go();
  const ready = new Promise((resolve) => { globalThis.qrtcCodecReady = resolve; });
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance);
  await ready;
  const c = globalThis.qrtcCodec;
  const out = cases.map((k) => {
    const r = { name: k.name };
    const enc = c.encode(k.type, k.sdp);
    r.token = enc.value || "";
    r.encodeError = enc.error || "";
    const dec = c.decode(k.token);
    r.decodedType = dec.value ? dec.value.type : "";
    r.decodedSDP = dec.value ? dec.value.sdp : "";
    r.decodeError = dec.error || "";
    if (k.link) {
      const l = c.decode(k.link);
      r.linkSDP = l.value ? l.value.sdp : "";
    }
    if (k.fpA) r.phrase = c.phrase(k.fpA, k.fpB).value || "";
    return r;
  });
  // exit only once the pipe has taken everything
  process.stdout.write(JSON.stringify(out), () => process.exit(0));
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
