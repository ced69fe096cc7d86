// Lab 9's public surface: state and security on top of lab 7's App.

// SQL on PGlite (milestone 1)
export { migrate, SqlSource } from './sql.ts';

// A model's output as data (milestone 2)
export { ModelSource, writeRecommendations } from './recommend.ts';
export { documentOf, recommend, recommendationsMigration, words, type Document } from './model.ts';
export { train } from './train.ts';

// Sessions (milestone 3)
export { sign, unsign, cookieSessions, serverSessions, SessionTooLarge } from './sessions.ts';
export { session } from './request-session.ts';

// CSRF (milestone 4; before login, whose form carries the token)
export { useCsrf, csrfToken, csrfField } from './csrf.ts';

// Passwords and login (milestone 5)
export { hashPassword, verifyPassword } from './passwords.ts';
export { UserStore, UsernameTaken, useLogin, currentUser, loginRequired, safeNext } from './login.ts';

// HTTPS (milestone 6)
export { hsts, redirectToHttps, serveHttps } from './https.ts';

// The bookshelf with accounts (milestone 7): given complete, it runs on your lab
export { createDemo, devCertificate } from './demo/app.ts';
