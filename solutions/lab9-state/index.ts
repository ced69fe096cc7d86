// Lab 9's public surface: state and security on top of lab 7's App.

// SQL on PGlite (milestone 1)

// A model's output as data (milestone 2)

// Sessions (milestone 3)
export { sign, unsign, session, cookieSessions, serverSessions, SessionTooLarge } from './sessions.ts';

// CSRF (milestone 4; before login, whose form carries the token)
export { useCsrf, csrfToken, csrfField } from './csrf.ts';

// Passwords and login (milestone 5)
export { hashPassword, verifyPassword } from './passwords.ts';
export { UserStore, UsernameTaken, useLogin, currentUser, loginRequired, safeNext } from './login.ts';

// HTTPS (milestone 6)

// The bookshelf with accounts (milestone 7)

export {};
