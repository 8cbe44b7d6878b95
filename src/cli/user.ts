/** `paperboy user create|list|suspend|unsuspend|set-password|admin`: accounts from the command line. */
import type { Command } from 'commander';
import { text } from 'node:stream/consumers';
import { createAccount } from '../community/accounts.js';
import type { ModerationAction } from '../community/model.js';
import { hashPassword, passwordProblem } from '../community/password.js';
import { loadConfig } from '../config.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { UsageError } from './main.js';

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let answer = '';
    const onData = (chunk: string): void => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(answer));
        if (ch === '\u0003') return finish(() => reject(new UsageError('cancelled')));
        if (ch === '\u007f' || ch === '\b') answer = answer.slice(0, -1);
        else answer += ch;
      }
    };
    const finish = (settle: () => void): void => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      settle();
    };
    stdin.on('data', onData);
  });
}

/**
 * A new password: typed twice at a terminal, or the first line of standard input when it is piped
 * (`echo "$PASSWORD" | paperboy user create …`), never a command-line argument that `ps` would show.
 */
async function readNewPassword(username: string): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await promptHidden('Password: ');
    if ((await promptHidden('Repeat the password: ')) !== password)
      throw new UsageError('the passwords differ');
  } else {
    password = (await text(process.stdin)).split(/\r?\n/)[0] ?? '';
  }
  const problem = passwordProblem(password, username);
  if (problem) throw new UsageError(`password: ${problem}`);
  return password;
}

async function withStore(run: (store: Store) => Promise<void>): Promise<void> {
  const store = openStore(loadConfig());
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

async function existingUser(store: Store, username: string) {
  const user = await store.findUser(username);
  if (!user) throw new UsageError(`there is no user called ${username}`);
  return user;
}

async function moderateFromCli(
  store: Store,
  action: ModerationAction,
  username: string,
  reason: string,
): Promise<void> {
  const user = await existingUser(store, username);
  await store.moderate({
    action,
    target: user.username,
    actorId: null,
    actor: 'cli',
    reason,
    at: new Date().toISOString(),
  });
}

export function registerUser(program: Command): void {
  const user = program
    .command('user')
    .description('Manage accounts: create admins, list, suspend, reset passwords');

  user
    .command('create <username>')
    .description('Create an account; the password is prompted for, or read from standard input when piped')
    .requiredOption('--email <email>', 'email address of the account')
    .option('--admin', 'make the account an admin (moderation)', false)
    .action(async (username: string, options: { email: string; admin: boolean }) => {
      const password = await readNewPassword(username);
      await withStore(async (store) => {
        const result = await createAccount(store, {
          username,
          email: options.email,
          password,
          isAdmin: options.admin,
        });
        if (!result.ok) throw new UsageError(`${result.field}: ${result.message}`);
        console.log(
          `Created ${result.user.isAdmin ? 'admin ' : ''}${result.user.username} (id ${result.user.id}).`,
        );
      });
    });

  user
    .command('list')
    .description('List every account')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (options: { json: boolean }) => {
      await withStore(async (store) => {
        const users = await store.listUsers();
        if (options.json) {
          console.log(JSON.stringify(users, null, 2));
          return;
        }
        const rows = [
          ['ID', 'USERNAME', 'EMAIL', 'ROLE', 'STATE', 'CREATED'],
          ...users.map((u) => [
            String(u.id),
            u.username,
            u.email,
            u.isAdmin ? 'admin' : 'user',
            u.suspended ? 'suspended' : 'active',
            u.createdAt.slice(0, 10),
          ]),
        ];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
        for (const row of rows)
          console.log(
            row
              .map((cell, i) => cell.padEnd(widths[i]!))
              .join('  ')
              .trimEnd(),
          );
      });
    });

  user
    .command('suspend <username>')
    .description('Suspend an account: its sessions end and it cannot log in (recorded in the audit log)')
    .option('--reason <text>', 'why, for the audit log', '')
    .action(async (username: string, options: { reason: string }) => {
      await withStore(async (store) => {
        await moderateFromCli(store, 'suspend-user', username, options.reason);
        console.log(`Suspended ${username}.`);
      });
    });

  user
    .command('unsuspend <username>')
    .description('Lift a suspension (recorded in the audit log)')
    .option('--reason <text>', 'why, for the audit log', '')
    .action(async (username: string, options: { reason: string }) => {
      await withStore(async (store) => {
        await moderateFromCli(store, 'unsuspend-user', username, options.reason);
        console.log(`Lifted the suspension of ${username}.`);
      });
    });

  user
    .command('set-password <username>')
    .description('Set a new password (prompted, or read from standard input); ends the account’s sessions')
    .action(async (username: string) => {
      await withStore(async (store) => {
        const account = await existingUser(store, username);
        const password = await readNewPassword(account.username);
        await store.setPasswordHash(account.id, await hashPassword(password));
        console.log(`Set a new password for ${account.username}.`);
      });
    });

  user
    .command('admin <username>')
    .description('Make an account an admin, or with --revoke an ordinary user again')
    .option('--revoke', 'take admin rights away', false)
    .action(async (username: string, options: { revoke: boolean }) => {
      await withStore(async (store) => {
        const account = await existingUser(store, username);
        await store.setAdmin(account.id, !options.revoke);
        console.log(`${account.username} is ${options.revoke ? 'no longer an admin' : 'now an admin'}.`);
      });
    });
}
