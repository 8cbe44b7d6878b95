import { describe, expect, it } from 'vitest';
import { classifySendFailure } from './transport.js';

const smtpError = (responseCode: number, command: string, response: string) =>
  Object.assign(new Error(response), {
    code: 'EENVELOPE',
    responseCode,
    permanent: responseCode >= 500 && responseCode !== 503,
    command,
    response,
  });

describe('classifySendFailure', () => {
  it('treats 4xx replies as temporary and 421 or a refused connection as the server being away', () => {
    expect(classifySendFailure(smtpError(451, 'RCPT TO', '451 4.7.1 Greylisted')).kind).toBe('temporary');
    expect(classifySendFailure(smtpError(503, 'DATA', '503 Bad sequence')).kind).toBe('temporary');
    expect(classifySendFailure(smtpError(421, 'CONN', '421 closing')).kind).toBe('unreachable');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ESOCKET',
      originalCode: 'ECONNREFUSED',
    });
    expect(classifySendFailure(refused).kind).toBe('unreachable');
  });

  it('bounces an address only for a permanent refusal of that address', () => {
    expect(classifySendFailure(smtpError(550, 'RCPT TO', '550 5.1.1 No such user'))).toEqual({
      kind: 'bounce',
      reason: '550 5.1.1 No such user',
    });
    expect(classifySendFailure(smtpError(550, 'DATA', '550 5.1.1 Mailbox unknown')).kind).toBe('bounce');
    expect(classifySendFailure(smtpError(554, 'DATA', '554 5.7.1 Message rejected as spam')).kind).toBe(
      'rejected',
    );
  });

  it('stops the run for problems of our own configuration', () => {
    expect(classifySendFailure(smtpError(535, 'AUTH PLAIN', '535 Authentication failed')).kind).toBe('fatal');
    expect(classifySendFailure(smtpError(553, 'MAIL FROM', '553 Sender not allowed')).kind).toBe('fatal');
    expect(classifySendFailure(Object.assign(new Error('Invalid login'), { code: 'EAUTH' })).kind).toBe(
      'fatal',
    );
    const disk = Object.assign(new Error('no space'), { code: 'ENOSPC', syscall: 'write' });
    expect(classifySendFailure(disk).kind).toBe('fatal');
  });
});
