import { InitialSchema1763800000000 } from './1763800000000-InitialSchema';

/** Every migration, oldest first. New migrations are appended here. */
export const MIGRATIONS = [InitialSchema1763800000000];
