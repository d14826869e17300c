// API tests hash passwords with argon2id and talk to a real database: on a loaded two-core machine
// one test can take longer than Jest's 5 s default without anything being wrong.
// (A project-level testTimeout is ignored when Jest runs several projects.)
jest.setTimeout(30_000);
