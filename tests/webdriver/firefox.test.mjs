// The smoke tests (smoke.mjs) in Firefox ESR.
import { smoke } from './smoke.mjs';

smoke('firefox');
