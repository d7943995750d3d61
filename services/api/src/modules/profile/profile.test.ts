import { describe, expect, it } from 'vitest';
import { problem, useApi } from '../../test/harness.js';

const api = useApi();

describe('creditor profile', () => {
  it('keeps the sender and payment details that letters print, checking the payment details', async () => {
    const creditor = await api.creditor();
    const res = await api.app.inject({
      method: 'PATCH',
      url: '/v1/creditor',
      headers: creditor.auth,
      payload: { senderName: 'Acme Kundtjänst', replyTo: 'reskontra@acme.example', addressLines: ['Box 1', '111 11 Stockholm'], bankgiro: '50501055', iban: 'se4550000000058398257466' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ senderName: 'Acme Kundtjänst', bankgiro: '5050-1055', iban: 'SE45 5000 0000 0583 9825 7466', addressLines: ['Box 1', '111 11 Stockholm'] });
    const bad = await api.app.inject({ method: 'PATCH', url: '/v1/creditor', headers: creditor.auth, payload: { bankgiro: '5050-1056', iban: 'SE00 1234', bic: 'x' } });
    expect(problem(bad, 422).errors?.map((e) => e.pointer)).toEqual(['/bankgiro', '/iban', '/bic']);
    expect((await api.app.inject({ method: 'GET', url: '/v1/creditor', headers: creditor.auth })).json().bankgiro).toBe('5050-1055');
  });
});
