import { describe, expect, it } from 'vitest';
import { blockedAddressReason, isAllowedHost } from './addresses.js';
import { checkWebhookUrl } from './url-check.js';

const table: [address: string, reason: string | null][] = [
  // IPv4, public
  ['93.184.216.34', null],
  ['8.8.8.8', null],
  ['1.1.1.1', null],
  ['172.15.255.255', null],
  ['172.32.0.0', null],
  ['100.63.255.255', null],
  ['100.128.0.0', null],
  ['192.169.0.1', null],
  ['223.255.255.255', null],
  // IPv4, refused
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.168.1.1', 'private'],
  ['100.64.0.1', 'shared address space (CGNAT)'],
  ['100.127.255.255', 'shared address space (CGNAT)'],
  ['169.254.0.1', 'link-local'],
  ['169.254.169.254', 'cloud metadata'],
  ['169.254.170.2', 'cloud metadata'],
  ['100.100.100.200', 'cloud metadata'],
  ['168.63.129.16', 'cloud metadata'],
  ['192.0.0.192', 'cloud metadata'],
  ['192.0.2.10', 'reserved'],
  ['198.18.0.1', 'reserved'],
  ['198.51.100.7', 'reserved'],
  ['203.0.113.9', 'reserved'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  // IPv6, public
  ['2606:4700:4700::1111', null],
  ['2a00:1450:4001:82b::200e', null],
  ['[2001:4860:4860::8888]', null],
  ['64:ff9b::808:808', null], // NAT64 of 8.8.8.8
  ['2002:808:808::1', null], // 6to4 of 8.8.8.8
  ['::ffff:8.8.8.8', null],
  // IPv6, refused
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf:ffff::1', 'link-local'],
  ['fec0::1', 'site-local'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456:789a::1', 'unique-local'],
  ['fd00:ec2::254', 'cloud metadata'],
  ['ff02::1', 'multicast'],
  ['ff05::1:3', 'multicast'],
  ['2001:db8::1', 'reserved'],
  ['2001::1', 'reserved'], // Teredo
  ['100::1', 'reserved'], // discard-only
  ['::127.0.0.1', 'reserved'], // IPv4-compatible, deprecated
  ['::ffff:0:0', 'unspecified'],
  // IPv4-mapped and IPv4-carrying IPv6 are judged by the IPv4 address inside
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['[::ffff:10.0.0.1]', 'private'],
  ['::ffff:169.254.169.254', 'cloud metadata'],
  ['::ffff:a9fe:a9fe', 'cloud metadata'],
  ['::ffff:100.64.1.1', 'shared address space (CGNAT)'],
  ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
  ['::ffff:0:192.168.0.1', 'private'], // IPv4-translated
  ['64:ff9b::7f00:1', 'loopback'], // NAT64 of 127.0.0.1
  ['64:ff9b:1::a00:1', 'reserved'], // local-use NAT64
  ['2002:a9fe:a9fe::1', 'cloud metadata'], // 6to4 of 169.254.169.254
  ['2002:c0a8:101::1', 'private'], // 6to4 of 192.168.1.1
  // not addresses
  ['localhost', 'not an IP address'],
  ['256.1.1.1', 'not an IP address'],
  ['', 'not an IP address'],
];

describe('address classification', () => {
  it.each(table)('%s → %s', (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it('matches allowed hosts exactly, ignoring case, brackets and a trailing dot', () => {
    expect(isAllowedHost('LocalHost.', ['localhost'])).toBe(true);
    expect(isAllowedHost('[::1]', ['::1'])).toBe(true);
    expect(isAllowedHost('127.0.0.1', ['127.0.0.1'])).toBe(true);
    expect(isAllowedHost('evil.localhost', ['localhost'])).toBe(false);
    expect(isAllowedHost('127.0.0.2', ['127.0.0.1'])).toBe(false);
    expect(isAllowedHost('localhost', [])).toBe(false);
  });
});

describe('checkWebhookUrl', () => {
  const resolveTo = (addresses: string[]) => async () => addresses;
  const none = { allowedHosts: [] as string[] };

  it('accepts public http and https URLs, with a port', async () => {
    for (const url of ['https://93.184.216.34/hooks', 'http://93.184.216.34:8080/x?y=1', 'https://[2606:4700:4700::1111]:8443/']) {
      expect(await checkWebhookUrl(url, none)).toMatchObject({ ok: true });
    }
    expect(await checkWebhookUrl('https://hooks.example.com/in', { ...none, resolve: resolveTo(['93.184.216.34', '2606:4700:4700::1111']) })).toMatchObject({ ok: true });
  });

  it('refuses other schemes, credentials and non-URLs', async () => {
    expect(await checkWebhookUrl('ftp://93.184.216.34/x', none)).toEqual({ ok: false, reason: 'only http:// and https:// URLs can receive webhooks' });
    expect(await checkWebhookUrl('file:///etc/passwd', none)).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('https://user:secret@93.184.216.34/x', none)).toEqual({ ok: false, reason: 'the URL must not contain credentials' });
    expect(await checkWebhookUrl('https://user@93.184.216.34/x', none)).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('not a url', none)).toEqual({ ok: false, reason: 'not a valid absolute URL' });
    expect(await checkWebhookUrl(`https://93.184.216.34/${'a'.repeat(2000)}`, none)).toMatchObject({ ok: false, reason: 'longer than 2000 characters' });
  });

  it('refuses literal private addresses, however they are spelled', async () => {
    const cases: [string, string][] = [
      ['http://127.0.0.1:3000/', '127.0.0.1 is a loopback address'],
      ['http://2130706433/', '127.0.0.1 is a loopback address'], // decimal
      ['http://0x7f.1/', '127.0.0.1 is a loopback address'], // hex, short form
      ['http://[::1]/', '::1 is a loopback address'],
      ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1 is a loopback address'],
      ['http://169.254.169.254/latest/meta-data/', '169.254.169.254 is a cloud metadata address'],
      ['http://10.1.2.3/', '10.1.2.3 is a private address'],
      ['http://0.0.0.0/', '0.0.0.0 is an unspecified address'],
      ['http://[fd00::1]/', 'fd00::1 is a unique-local address'],
    ];
    for (const [url, reason] of cases) expect(await checkWebhookUrl(url, none)).toEqual({ ok: false, reason });
  });

  it('refuses a host when ANY of its addresses is not public', async () => {
    expect(await checkWebhookUrl('https://mixed.example/', { ...none, resolve: resolveTo(['93.184.216.34', '10.0.0.7']) })).toEqual({
      ok: false,
      reason: 'mixed.example resolves to 10.0.0.7 is a private address',
    });
    expect(await checkWebhookUrl('https://v6.example/', { ...none, resolve: resolveTo(['2606:4700:4700::1111', '::ffff:192.168.0.1']) })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('http://localhost:9999/', none)).toMatchObject({ ok: false, reason: expect.stringContaining('loopback') });
  });

  it('refuses a host that does not resolve', async () => {
    const failing = async () => {
      throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' });
    };
    expect(await checkWebhookUrl('https://nowhere.invalid/', { ...none, resolve: failing })).toEqual({ ok: false, reason: 'the host name nowhere.invalid does not resolve (ENOTFOUND)' });
    expect(await checkWebhookUrl('https://empty.example/', { ...none, resolve: resolveTo([]) })).toMatchObject({ ok: false });
  });

  it('lets allow-listed hosts through without checking or resolving them', async () => {
    const never = async (): Promise<string[]> => {
      throw new Error('must not resolve');
    };
    expect(await checkWebhookUrl('http://127.0.0.1:4000/hook', { allowedHosts: ['127.0.0.1'], resolve: never })).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('http://LOCALHOST:4000/hook', { allowedHosts: ['localhost'], resolve: never })).toMatchObject({ ok: true });
    expect(await checkWebhookUrl('http://[::1]:4000/hook', { allowedHosts: ['::1'], resolve: never })).toMatchObject({ ok: true });
    // Exact names only: another name for the same address is checked.
    expect(await checkWebhookUrl('http://127.0.0.2:4000/hook', { allowedHosts: ['127.0.0.1'] })).toMatchObject({ ok: false });
    expect(await checkWebhookUrl('http://localhost:4000/hook', { allowedHosts: ['127.0.0.1'] })).toMatchObject({ ok: false });
  });
});
