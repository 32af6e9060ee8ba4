// The smoke tests (smoke.mjs) in WebKitGTK's MiniBrowser.
import { smoke } from './smoke.mjs';

smoke('webkit');
