// A module that exports no app (W6): the arbiter's workers must refuse to serve it.
export const application = 'not a function named app';
