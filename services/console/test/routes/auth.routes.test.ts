import t from 'tap';
import { safeReturnTo } from '../../src/routes/auth.routes.js';

t.test('returnTo is a path of this site only', async (t) => {
  t.equal(safeReturnTo('/integrations?x=1'), '/integrations?x=1');
  t.equal(safeReturnTo(undefined), '/');
  for (const evil of [
    '//evil.example',
    '/\\evil.example',
    'https://evil.example',
    'javascript:alert(1)',
    '',
  ]) {
    t.equal(safeReturnTo(evil), '/', evil);
  }
});
