import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { defineCommand, type Command } from './command.js';
import { findGroup, runCli } from './dispatch.js';

const ran: string[][] = [];
const command = (path: string[], usage = ''): Command =>
  defineCommand({
    path,
    usage,
    summary: `does ${path.join(' ')}`,
    args: ['[ID]'],
    run: async (ctx) => {
      ran.push([...path, ...ctx.positionals]);
    },
  });
const commands = [
  command(['sweep', 'submit'], 'FILE'),
  command(['sweep', 'list']),
  command(['leaderboard']),
  command(['leaderboard', 'rebuild']),
  command(['serve']),
];

function sink(): Writable & { text: string } {
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      stream.text += chunk.toString();
      done();
    },
  }) as Writable & { text: string };
  stream.text = '';
  return stream;
}

async function cli(...argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await runCli(argv, commands, { env: {}, stdout, stderr });
  return { code, out: stdout.text, err: stderr.text };
}

describe('runCli', () => {
  it('runs the command with the longest matching path', async () => {
    ran.length = 0;
    expect((await cli('leaderboard', 'rebuild')).code).toBe(0);
    expect((await cli('leaderboard')).code).toBe(0);
    expect((await cli('sweep', 'list')).code).toBe(0);
    expect(ran).toEqual([['leaderboard', 'rebuild'], ['leaderboard'], ['sweep', 'list']]);
  });

  it("lists a group's commands for `fermx sweep --help` (exit 0) and bare `fermx sweep` (exit 2)", async () => {
    const help = await cli('sweep', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: fermx sweep <command>');
    expect(help.out).toContain('fermx sweep submit FILE');
    expect(help.out).toContain('fermx sweep list');
    expect(help.out).not.toContain('fermx serve');
    const bare = await cli('sweep');
    expect(bare.code).toBe(2);
    expect(bare.out).toBe(help.out);
  });

  it("names the group's commands for an unknown word after it, and only the first word for an unknown command", async () => {
    const sub = await cli('sweep', 'show', 'sweep-1', '--api', 'http://x');
    expect(sub.code).toBe(2);
    expect(sub.err).toBe("fermx sweep: unknown command 'show'. Commands: list, submit. Run 'fermx sweep --help'.\n");
    const top = await cli('swep', 'list', 'sweep-1');
    expect(top.code).toBe(2);
    expect(top.err).toBe("fermx: unknown command 'swep'. Commands: leaderboard, serve, sweep. Run 'fermx --help'.\n");
  });

  it('prints one command’s help for `fermx sweep submit --help`, with the commands under it where there are some', async () => {
    const help = await cli('sweep', 'submit', '--help');
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: fermx sweep submit FILE');
    expect(help.out).not.toContain('Commands under it');
    const board = await cli('leaderboard', '--help');
    expect(board.out).toContain('Usage: fermx leaderboard');
    expect(board.out).toContain('Commands under it:\n  fermx leaderboard rebuild\n      does leaderboard rebuild\n');
  });
});

describe('findGroup', () => {
  it('takes the longest prefix of leading words that some longer command path starts with', () => {
    expect(findGroup(commands, ['sweep', 'show'])?.words).toEqual(['sweep']);
    expect(findGroup(commands, ['sweep', '--help'])?.members.map((c) => c.path.join(' '))).toEqual(['sweep submit', 'sweep list']);
    expect(findGroup(commands, ['serve'])).toBeUndefined();
    expect(findGroup(commands, ['--help', 'sweep'])).toBeUndefined();
  });
});
