/** The endpoint table's types, shared by routes.test.ts and the informing endpoints (informing.endpoints.ts). */
import type request from 'supertest';
import type { Tree } from '../helpers';
import type { RouteAction } from '../../src/policy/rules';

export type Who = 'chair' | 'viewer' | 'registrar' | 'subunit' | 'primChair';

export interface Fx {
  t: Tree;
  /** Members: in primary A1, in profburo A1 (under it), in primary B1 (the sibling region). */
  m: { inA: string; inBuro: string; outB: string };
}

export type Target = (f: Fx) => string | Promise<string>;

export interface Endpoint {
  name: string;
  kind: 'api' | 'page';
  method: 'get' | 'post' | 'patch';
  /** As registered (API routes without the /api/v1 prefix). */
  route: string;
  action: RouteAction;
  /** What the id names: an organisation, a member, or an item (announcement, document, survey). */
  on: 'org' | 'member' | 'item';
  url: (id: string) => string;
  body?: (id: string) => Record<string, unknown>;
  /** Sent as multipart with a small PDF in the field "file" (uploads). */
  multipart?: boolean;
  /** What the allowed actor (the chair of region A) acts on: built afresh for writes that change it. */
  inside: Target;
  ok: number;
  okCheck?: (res: request.Response, id: string) => void;
  /** Actors inside the subtree whose role lacks the right, and what they try it on (default: the usual inside target). */
  denied: { who: Who; target?: Target }[];
  /** Items: what the chair of region A must not reach (another branch, or above and not addressed to them) → 404. */
  outside?: { label: string; target: Target }[];
}
