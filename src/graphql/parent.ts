// @Parent(): a field resolver's parent object exactly as the parent resolver returned it.
// type-graphql's @Parent() converts the parent to the parameter's reflected class when it is not already
// an instance: for a plain row typed as an entity that means `new Printer()` (which mints a UUIDv7) and
// an Object.assign through MikroORM's property setters — per field, per row. On the fleet page that
// was 400 throw-away entities per request and about a fifth of its CPU (docs/performance.md, "API").
import { createParameterDecorator } from 'type-graphql';

export function Parent() {
  return createParameterDecorator(({ root }) => root);
}
