import { isCrossSiteMutation } from './same-origin';

describe('isCrossSiteMutation', () => {
  const from = (origin: string | null) => new Headers({ host: 'app.example', ...(origin === null ? {} : { origin }) });

  it('names a state-changing request from another site or an opaque origin', () => {
    expect(isCrossSiteMutation('POST', from('https://evil.example'))).toBe(true);
    expect(isCrossSiteMutation('DELETE', from('null'))).toBe(true);
    expect(isCrossSiteMutation('patch', from('http://evil.example'))).toBe(true);
  });

  it('leaves reads, this site, and requests without an Origin alone', () => {
    expect(isCrossSiteMutation('GET', from('https://evil.example'))).toBe(false);
    expect(isCrossSiteMutation('HEAD', from('https://evil.example'))).toBe(false);
    expect(isCrossSiteMutation('POST', from('http://app.example'))).toBe(false);
    expect(isCrossSiteMutation('POST', from(null))).toBe(false);
  });
});
