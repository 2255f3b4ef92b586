export * from './browser.js';
export * from './pages/apps.page.js';
export * from './pages/integrations.page.js';
export * from './pages/shell.page.js';
export * from './pages/sign-in.page.js';
export * from './stack.js';
