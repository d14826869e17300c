// Some API tests start persistence-api processes of their own (migrate, seed, boot), which takes
// seconds on a busy machine. (A project-level testTimeout is ignored when Jest runs several projects.)
jest.setTimeout(60_000);
