import { isIPv4, isIPv6 } from 'node:net';

/**
 * Why an address must not receive webhooks, or null for a public unicast address. A webhook URL is
 * chosen by a creditor, so every address it leads to is checked: a request must never reach the
 * operator's own network, the host itself or a cloud's instance metadata service.
 */
export type BlockReason =
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared address space (CGNAT)'
  | 'link-local'
  | 'unique-local'
  | 'site-local'
  | 'multicast'
  | 'broadcast'
  | 'cloud metadata'
  | 'reserved'
  | 'not an IP address';

type V4Range = readonly [base: string, bits: number, reason: BlockReason];

/** Cloud instance metadata services, checked before the ranges that contain some of them. */
const METADATA_V4 = new Set([
  '169.254.169.254', // AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean…
  '169.254.170.2', // AWS ECS task metadata
  '169.254.169.123', // AWS time sync
  '169.254.169.253', // AWS DNS resolver
  '100.100.100.200', // Alibaba Cloud
  '168.63.129.16', // Azure host (WireServer): a public address that only the host answers
  '192.0.0.192', // Oracle Cloud (classic)
]);
const METADATA_V6 = new Set(['fd00:ec2:0:0:0:0:0:254', 'fd00:ec2:0:0:0:0:0:23']); // AWS IMDS and DNS over IPv6

const V4_RANGES: readonly V4Range[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space (CGNAT)'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments
  ['192.0.2.0', 24, 'reserved'], // documentation
  ['192.88.99.0', 24, 'reserved'], // former 6to4 relays
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'reserved'], // documentation
  ['203.0.113.0', 24, 'reserved'], // documentation
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

function v4ToNumber(address: string): number {
  return address.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Narrowest first, so the broadcast address wins over the reserved 240/4 around it. */
const V4_TABLE = V4_RANGES.map(([base, bits, reason]) => ({ base: v4ToNumber(base), size: 2 ** (32 - bits), reason })).sort((a, b) => a.size - b.size);

function classifyV4(address: string): BlockReason | null {
  if (METADATA_V4.has(address)) return 'cloud metadata';
  const n = v4ToNumber(address);
  for (const range of V4_TABLE) if (n >= range.base && n < range.base + range.size) return range.reason;
  return null;
}

/** Eight 16-bit groups; an embedded dotted IPv4 tail becomes the last two. */
function v6Groups(address: string): number[] {
  const [head = '', tail] = address.split('::') as [string, string | undefined];
  const parse = (part: string): number[] =>
    part === ''
      ? []
      : part.split(':').flatMap((g) => {
          if (g.includes('.')) {
            const n = v4ToNumber(g);
            return [Math.floor(n / 65536), n % 65536];
          }
          return [parseInt(g, 16)];
        });
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

const v4FromGroups = (high: number, low: number) => [high >> 8, high & 255, low >> 8, low & 255].join('.');

function classifyV6(address: string): BlockReason | null {
  const g = v6Groups(address);
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  if (METADATA_V6.has(g.map((x) => x.toString(16)).join(':'))) return 'cloud metadata';
  const zeroPrefix = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 0) return 'unspecified';
  if (zeroPrefix && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d) addresses reach the IPv4
  // address they carry: judge that one.
  if (zeroPrefix && g5 === 0xffff) return classifyV4(v4FromGroups(g6, g7));
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return classifyV4(v4FromGroups(g6, g7));
  // NAT64 (64:ff9b::/96) carries the IPv4 address the gateway will connect to.
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return classifyV4(v4FromGroups(g6, g7));
  // 6to4 (2002::/16) carries an IPv4 address in its next 32 bits.
  if (g0 === 0x2002) return classifyV4(v4FromGroups(g1, g2));
  if ((g0 & 0xff00) === 0xff00) return 'multicast';
  if ((g0 & 0xffc0) === 0xfe80) return 'link-local';
  if ((g0 & 0xffc0) === 0xfec0) return 'site-local';
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local';
  // Only global unicast (2000::/3) is public; within it, the special-purpose blocks are not.
  if ((g0 & 0xe000) !== 0x2000) return 'reserved';
  if (g0 === 0x2001 && g1 < 0x200) return 'reserved'; // IETF protocol assignments, Teredo, benchmarking, ORCHID
  if (g0 === 0x2001 && g1 === 0xdb8) return 'reserved'; // documentation
  if (g0 === 0x3fff && g1 < 0x1000) return 'reserved'; // documentation (3fff::/20)
  return null;
}

/**
 * Why webhooks must not go to this address, or null when it is a public unicast address.
 * Takes IPv4 and IPv6 (with or without brackets or a zone), including IPv4-mapped IPv6.
 */
export function blockedAddressReason(address: string): BlockReason | null {
  let a = address.trim();
  if (a.startsWith('[') && a.endsWith(']')) a = a.slice(1, -1);
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  if (isIPv4(a)) return classifyV4(a);
  if (isIPv6(a)) return classifyV6(a.toLowerCase());
  return 'not an IP address';
}

/** Host names compare case-insensitively, without a trailing dot or IPv6 brackets. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** Whether the operator named this host as one whose addresses are not checked. */
export function isAllowedHost(host: string, allowedHosts: readonly string[]): boolean {
  const h = normalizeHost(host);
  return allowedHosts.some((allowed) => normalizeHost(allowed) === h);
}
