/**
 * The scrypt cost of the keystores a client writes. Standard (N = 2^17, as geth and ethers) unless
 * the user asks for light keystores (N = 2^12, geth's `--lightkdf`), which tests and demos use.
 */
import { STANDARD_SCRYPT, type ScryptParams } from '../../shared/keys/keystore.js';

export const LIGHT_SCRYPT: ScryptParams = { N: 1 << 12, r: 8, p: 1 };

export function scryptParams(light: boolean): ScryptParams {
  return light ? LIGHT_SCRYPT : STANDARD_SCRYPT;
}
