/** The fields of this app's forms as a person reads them. */
const LABELS: Record<string, string> = {
  email: 'Email address',
  password: 'Password',
  displayName: 'Display name',
  language: 'Language',
  timezone: 'Time zone',
  phone: 'Phone number',
  preferredVoice: 'Preferred voice',
  channel: 'Channel',
  agent: 'Agent',
  from: 'From',
  to: 'To',
  q: 'Search',
};

const sentence = (text: string) => (/[.!?]$/.test(text) ? text : `${text}.`);
const label = (field: string) => LABELS[field] ?? field.charAt(0).toUpperCase() + field.slice(1);

/**
 * A validation message worded for the person filling in the form. The contracts' messages are
 * written for API clients ("must be a valid email address", "is required"); next to a field they
 * read as "Enter a valid email address." Messages that are already sentences stay as they are.
 */
export function personMessage(field: string, message: string): string {
  if (field === 'form' || /^[A-Z]/.test(message)) return sentence(message);
  const name = label(field);
  if (/^(is required|must not be empty)$|received undefined/.test(message))
    return field === 'email' ? 'Enter your email address.' : `Enter your ${name.toLowerCase()}.`;
  if (field === 'email') return 'Enter a valid email address.';
  if (field === 'phone' && /phone number/.test(message)) return 'Enter the phone number in international form, such as +14155550123.';
  if (field === 'from' && /must not be after/.test(message)) return 'The From date must not be after the To date.';
  const example = /^must be (an? .+ such as .+)$/.exec(message);
  if (example) return sentence(`Enter ${example[1]}`);
  return sentence(`${name} ${message}`);
}

/** Every message of a form's errors (by field; `form` is the whole form's), worded for a person. */
export function personMessages(errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [field, personMessage(field, message)]));
}
