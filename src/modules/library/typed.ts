import type { RouteDef } from '../../http/route';

/** A route whose handler sees params, query and body typed by their zod schemas. */
export function typed<P, Q, B>(def: RouteDef<P, Q, B>): RouteDef {
  return def as RouteDef;
}
