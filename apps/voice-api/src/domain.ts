/**
 * The composition root of what voice-api's calls are about: the clinic front desk. This is the only
 * place outside src/clinic/ that names it; another domain (its agents, offline model and grammar)
 * plugs in here by providing a CallDomain (call/call-domain.ts) and its agent names.
 */
export { clinicDomain as createCallDomain, clinicAgentNames as domainAgentNames } from './clinic/clinic-domain';
