/** A person who can sign in at the test provider, with the claims Appgov reads. */
export interface DemoUser {
  sub: string;
  email: string;
  name: string;
  password: string;
  tenant: string;
  roles: string[];
}

/** The password of every demo user (test and demo only; the provider is never deployed). */
export const DEMO_PASSWORD = 'appgov-demo';

/**
 * Demo users of two tenants: `demo-tenant` (the org `make demo` connects) has an admin, a viewer and
 * an operator of the platform; `other-tenant` has an admin who must never see demo-tenant's data.
 */
export const DEMO_USERS: readonly DemoUser[] = [
  {
    sub: 'demo-admin',
    email: 'admin@demo.example',
    name: 'Dana Admin',
    password: DEMO_PASSWORD,
    tenant: 'demo-tenant',
    roles: ['admin'],
  },
  {
    sub: 'demo-viewer',
    email: 'viewer@demo.example',
    name: 'Vic Viewer',
    password: DEMO_PASSWORD,
    tenant: 'demo-tenant',
    roles: ['viewer'],
  },
  {
    sub: 'platform-operator',
    email: 'operator@appgov.example',
    name: 'Olu Operator',
    password: DEMO_PASSWORD,
    tenant: 'appgov-platform',
    roles: ['operator'],
  },
  {
    sub: 'other-admin',
    email: 'admin@other.example',
    name: 'Omar Other',
    password: DEMO_PASSWORD,
    tenant: 'other-tenant',
    roles: ['admin'],
  },
];
