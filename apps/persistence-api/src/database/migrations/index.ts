import { InitialSchema1763800000000 } from './1763800000000-InitialSchema';
import { Claims1795338000000 } from './1795338000000-Claims';
import { WeeklyShifts1796400000000 } from './1796400000000-WeeklyShifts';
import { PhoneVerification1796500000000 } from './1796500000000-PhoneVerification';

/** Every migration, oldest first. New migrations are appended here. */
export const MIGRATIONS = [InitialSchema1763800000000, Claims1795338000000, WeeklyShifts1796400000000, PhoneVerification1796500000000];
