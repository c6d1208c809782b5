// Runs the npm eventsource-parser over one corpus file for scripts/bench:
//   node parse.mjs FILE ITERATIONS CHUNK_BYTES
// Bytes are decoded with a streaming TextDecoder (as fetch() bodies are) and
// fed CHUNK_BYTES at a time. After two warm-up passes it times ITERATIONS
// passes and prints one JSON line: process CPU seconds and wall seconds per
// pass, events per pass.
import { readFileSync } from 'node:fs'
import { createParser } from 'eventsource-parser'

const [file, itersArg, chunkArg] = process.argv.slice(2)
const iters = Number(itersArg)
const chunk = Number(chunkArg)
if (!file || !(iters >= 1) || !(chunk >= 1)) {
  console.error('usage: node parse.mjs FILE ITERATIONS CHUNK_BYTES')
  process.exit(2)
}
const body = readFileSync(file)
const chunks = []
for (let i = 0; i < body.length; i += chunk) chunks.push(body.subarray(i, i + chunk))

let events = 0
let dataChars = 0
function pass() {
  events = 0
  dataChars = 0
  const parser = createParser({
    onEvent(e) {
      events++
      dataChars += e.data.length
    },
  })
  const dec = new TextDecoder('utf-8')
  for (const c of chunks) parser.feed(dec.decode(c, { stream: true }))
  const tail = dec.decode()
  if (tail) parser.feed(tail)
}

pass()
pass()
const cpu0 = process.cpuUsage()
const t0 = process.hrtime.bigint()
for (let i = 0; i < iters; i++) pass()
const wall = Number(process.hrtime.bigint() - t0) / 1e9
const cpu = process.cpuUsage(cpu0)
console.log(JSON.stringify({
  cpu_s: (cpu.user + cpu.system) / 1e6 / iters,
  wall_s: wall / iters,
  events,
  data_chars: dataChars,
}))
