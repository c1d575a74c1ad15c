import { describe, expect, it } from 'vitest';
import { classifyAddress, refusalOf } from './private-address.js';

describe('classifyAddress', () => {
  it.each([
    // IPv4, by the range ipaddr.js names
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.127.255.254', 'carrierGradeNat'],
    ['127.0.0.1', 'loopback'],
    ['127.1.2.3', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.10', 'reserved'],
    ['192.88.99.1', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.254', 'reserved'],
    ['198.51.100.7', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.251', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['192.31.196.1', 'as112'],
    ['192.52.193.1', 'amt'],
    // IPv6
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456:789a::1', 'uniqueLocal'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['ff02::1', 'multicast'],
    ['100::1', 'discard'],
    ['2001:db8::1', 'reserved'],
    ['2001:2::1', 'benchmarking'],
    ['3fff::1', 'reserved'],
    ['5f00::1', 'segmentRouting'],
    ['2001:10::1', 'deprecatedOrchid'],
    ['2001:20::1', 'orchid2'],
    // IPv6 outside the global unicast block 2000::/3
    ['::7f00:1', 'ipv4Compatible'],
    ['4000::1', 'notGlobalUnicast'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    // IPv4-mapped IPv6 is judged as the IPv4 address it carries
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.1.2.3', 'private'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    // Transition ranges: refused when the IPv4 address they carry is not public
    ['64:ff9b::7f00:1', 'rfc6052 embedding loopback'],
    ['64:ff9b::a00:1', 'rfc6052 embedding private'],
    ['64:ff9b:1::808:808', 'rfc6052'],
    ['2002:7f00:1::1', '6to4 embedding loopback'],
    ['2002:c0a8:101::1', '6to4 embedding private'],
    // Teredo: the server, then the client XOR 0xffffffff (here 127.0.0.1 and 10.0.0.1)
    ['2001:0:7f00:1:0:0:f5ff:fffe', 'teredo embedding loopback'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'teredo embedding private'],
    // Not addresses at all
    ['example.com', 'invalid'],
    ['', 'invalid'],
  ])('refuses %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ range, isPublic: false });
  });

  it.each([
    ['1.1.1.1', 'unicast'],
    ['8.8.8.8', 'unicast'],
    ['93.184.215.14', 'unicast'],
    ['100.63.255.255', 'unicast'],
    ['100.128.0.1', 'unicast'],
    ['172.15.255.255', 'unicast'],
    ['172.32.0.1', 'unicast'],
    ['192.0.1.1', 'unicast'],
    ['198.17.255.255', 'unicast'],
    ['198.20.0.1', 'unicast'],
    ['223.255.255.254', 'unicast'],
    ['2606:4700:4700::1111', 'unicast'],
    ['2a00:1450:4001:80b::200e', 'unicast'],
    ['::ffff:1.1.1.1', 'unicast'],
    ['::ffff:101:101', 'unicast'],
    ['64:ff9b::101:101', 'rfc6052'],
    ['2002:101:101::1', '6to4'],
    ['2001:0:4136:e378:8000:63bf:fefe:fefe', 'teredo'],
  ])('allows %s (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ range, isPublic: true });
  });
});

describe('refusalOf', () => {
  it('is null when every address is public', () => {
    expect(refusalOf('hooks.example.com', ['1.1.1.1', '2606:4700:4700::1111'])).toBeNull();
  });

  it('names the host and each refused address with its range', () => {
    expect(refusalOf('hooks.example.com', ['1.1.1.1', '127.0.0.1', '::1'])).toBe(
      'hooks.example.com resolves to a private or reserved address: 127.0.0.1 (loopback), ::1 (loopback)',
    );
  });

  it('says an address host is one itself', () => {
    expect(refusalOf('10.0.0.1', ['10.0.0.1'])).toBe('10.0.0.1 is a private or reserved address (private)');
  });

  it('refuses a host that resolved to nothing', () => {
    expect(refusalOf('empty.example.com', [])).toBe('empty.example.com resolves to no address');
  });
});
