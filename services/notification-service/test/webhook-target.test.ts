import t from 'tap';
import { signatureHeader, verifySignature } from '../src/domain/webhook-signature.js';
import { isBlockedAddress, validateWebhookUrl } from '../src/domain/webhook-target.js';

t.test('isBlockedAddress', async (t) => {
  for (const a of [
    '127.0.0.1',
    '10.0.0.1',
    '172.31.255.255',
    '192.168.0.1',
    '169.254.169.254',
    '0.0.0.0',
    '100.64.1.1',
    '::1',
    '::',
    'fd12::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    'nonsense',
  ]) {
    t.ok(isBlockedAddress(a), a);
  }
  for (const a of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700:4700::1111'])
    t.notOk(isBlockedAddress(a), a);
});

t.test('hostnames are checked on every resolved address', async (t) => {
  const lookup = async () => [
    { address: '93.184.216.34', family: 4 },
    { address: '10.0.0.7', family: 4 },
  ];
  await t.rejects(validateWebhookUrl('https://mixed.example/h', { allowPrivate: false, lookup }), {
    code: 'NOTIFICATION_WEBHOOK_TARGET_FORBIDDEN',
  });
  const pub = async () => [{ address: '93.184.216.34', family: 4 }];
  t.equal(
    (await validateWebhookUrl('https://public.example/h', { allowPrivate: false, lookup: pub })).host,
    'public.example',
  );
  t.equal(
    (await validateWebhookUrl('http://127.0.0.1:9/h', { allowPrivate: true })).port,
    '9',
    'test allowance',
  );
});

t.test('signature over timestamp.body, with replay tolerance', async (t) => {
  const header = signatureHeader('whsec_x', 1_700_000_000, '{"a":1}');
  t.ok(verifySignature('whsec_x', header, '{"a":1}', { nowSeconds: 1_700_000_010 }));
  t.notOk(verifySignature('whsec_x', header, '{"a":2}', { nowSeconds: 1_700_000_010 }), 'body changed');
  t.notOk(verifySignature('whsec_y', header, '{"a":1}', { nowSeconds: 1_700_000_010 }), 'other secret');
  t.notOk(verifySignature('whsec_x', header, '{"a":1}', { nowSeconds: 1_700_001_000 }), 'too old');
});
