import { aboutFromMessages, agentLabel, conversationSummary } from './conversation-summary';

const say = (role: 'user' | 'agent', text: string, agent: string | null = null) => ({ role, text, agent });

describe('conversationSummary', () => {
  it('titles a call by the first request and names every agent who answered, in order', () => {
    const summary = conversationSummary(
      aboutFromMessages({
        title: null,
        agent: 'receptionist',
        messages: [
          say('agent', 'Hello, this is the front desk. How can I help?', 'receptionist'),
          say('user', 'I would like to book an appointment with doctor Alice Smith on Monday'),
          say('agent', 'Dr. Alice Smith has 9:00 free on Monday.', 'scheduler'),
          say('user', 'yes please'),
          say('agent', 'Booked.', 'scheduler'),
        ],
      }),
    );
    expect(summary).toEqual({ title: 'I would like to book an appointment with doctor Alice Smith on Monday', agents: ['Receptionist', 'Scheduler'] });
  });

  it('capitalises a request recognised from speech', () => {
    expect(conversationSummary(aboutFromMessages({ title: null, agent: 'receptionist', messages: [say('user', 'what are your  opening hours')] })).title).toBe(
      'What are your opening hours',
    );
  });

  it('keeps a title the conversation was given', () => {
    expect(conversationSummary(aboutFromMessages({ title: 'Billing question', agent: 'billing', messages: [say('user', 'how much do I owe')] })).title).toBe(
      'Billing question',
    );
  });

  it('cuts a long first request at a word', () => {
    const long = `I need to move my appointment ${'because something came up at work '.repeat(5)}`;
    const { title } = conversationSummary(aboutFromMessages({ title: null, agent: 'receptionist', messages: [say('user', long)] }));
    expect(title.length).toBeLessThanOrEqual(80);
    expect(title).toMatch(/^I need to move my appointment because something .*\w…$/);
  });

  it('falls back to the agent when the caller said nothing', () => {
    expect(conversationSummary(aboutFromMessages({ title: null, agent: 'scheduler', messages: [say('agent', 'Hello.', 'scheduler')] }))).toEqual({
      title: 'Call with the scheduler',
      agents: ['Scheduler'],
    });
    expect(conversationSummary({ title: null, agent: 'receptionist', firstRequest: null, agents: [] })).toEqual({
      title: 'Call with the receptionist',
      agents: ['Receptionist'],
    });
  });

  it('reads the summary a conversation list gives', () => {
    expect(conversationSummary({ title: null, agent: 'receptionist', firstRequest: 'when are you open', agents: ['receptionist', 'billing'] })).toEqual({
      title: 'When are you open',
      agents: ['Receptionist', 'Billing'],
    });
  });
});

describe('agentLabel', () => {
  it('capitalises speaker labels, known agents or not', () => {
    expect(agentLabel('receptionist')).toBe('Receptionist');
    expect(agentLabel('scheduler')).toBe('Scheduler');
    expect(agentLabel('lab_results')).toBe('Lab results');
    expect(agentLabel(null)).toBe('Agent');
  });
});
