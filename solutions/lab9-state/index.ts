// Lab 9's public surface: state and security on top of lab 7's App.

// SQL on PGlite (milestone 1)

// A model's output as data (milestone 2)

// Sessions (milestone 3)
export { sign, unsign, session, cookieSessions, serverSessions, SessionTooLarge } from './sessions.ts';

// Passwords and login (milestone 4)
export { hashPassword, verifyPassword } from './passwords.ts';
export { UserStore, UsernameTaken, useLogin, currentUser, loginRequired, safeNext } from './login.ts';

// CSRF (milestone 5)
export { useCsrf, csrfToken, csrfField } from './csrf.ts';

// HTTPS (milestone 6)

// The bookshelf with accounts (milestone 7)

export {};
