// `pnpm bench` (wire bytes): what two large answers weigh on the wire, as sent plain (before issue
// 22, the node transport asked for nothing else) and compressed as a gateway may send them now that
// both transports ask for gzip, deflate and br. Answers in the emulator's wire format with
// real-shaped ids; compression at zlib's default levels. Written to bench/results/wire-bytes.md.
import { writeFile } from 'node:fs/promises';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { worldIds } from '@rollcall/emulator';
import { replyText, volcengineOk, volcengineRoom, volcengineStatus } from '@rollcall/emulator/wire';
import { operations } from '@rollcall/volcengine-rtc';
import { here } from './processes.js';

const status = operations.queryLiveParticipantStatus;
const room = operations.getRoomOnlineUsers;
const group = BigInt(worldIds.volcengineGroup(1));
const joinedAt = 1_764_000_000_000;
const answers = [
  {
    name: `Volcengine QueryLiveParticipantStatus, ${status.batch!.max} ids (half in the group)`,
    text: replyText(
      volcengineOk({ action: status.action!, version: status.version! }, 'bench', {
        Status: Array.from({ length: status.batch!.max }, (_, i) => volcengineStatus(1, group, worldIds.user(i), i % 2 ? null : joinedAt + i)),
      }),
    ),
  },
  {
    name: 'Volcengine GetRoomOnlineUsers, a room of 10,000 members',
    text: replyText(
      volcengineOk(
        { action: room.action!, version: room.version! },
        'bench',
        volcengineRoom({ visible: Array.from({ length: 10_000 }, (_, i) => worldIds.user(i)), invisible: [] }, 10_000),
      ),
    ),
  },
];
const bytes = (n: number) => n.toLocaleString('en');
const rows = answers.map(({ name, text }) => {
  const plain = Buffer.byteLength(text);
  const gzip = gzipSync(text).length;
  const br = brotliCompressSync(text).length;
  return `| ${name} | ${bytes(plain)} | ${bytes(gzip)} (${((100 * gzip) / plain).toFixed(1)} %) | ${bytes(br)} (${((100 * br) / plain).toFixed(1)} %) |`;
});
const report = [
  '# Bytes on the wire',
  '',
  `Written by \`bench/wire-bytes.ts\` (Node ${process.versions.node}). The answer's body as the emulator writes it, plain and compressed at zlib's default levels.`,
  '',
  '| answer | plain (before) | gzip | br |',
  '| --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');
await writeFile(here('./results/wire-bytes.md'), report);
console.error(report);
