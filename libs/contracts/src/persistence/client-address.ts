import { z } from 'zod';

/**
 * web signs people in server to server, so persistence-api would see web's address for every browser.
 * web names the browser's address in CLIENT_ADDRESS_HEADER and proves it is web with its service
 * credential in CLIENT_SECRET_HEADER; persistence-api ignores the address header without it.
 */
export const CLIENT_ADDRESS_HEADER = 'x-client-address';
export const CLIENT_SECRET_HEADER = 'x-client-secret';

/** An IPv4 or IPv6 address, as a socket reports it. */
export const ClientAddress = z.union([z.ipv4(), z.ipv6()]);
