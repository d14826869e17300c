import { Inject } from '@nestjs/common';

/** The CallDomain (call-domain.ts) voice-api serves, provided by DomainModule (../domain.ts). */
export const CALL_DOMAIN = Symbol('CALL_DOMAIN');
export const InjectCallDomain = () => Inject(CALL_DOMAIN);
