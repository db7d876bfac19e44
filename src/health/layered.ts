// A connection Map that lays a few changed records over a shared one: a pushed read changes a few connections of 100,000.
import type { ConnectionRecord } from "./model.js";

/**
 * Reads as `base` with `top`'s records in their place (new ids after base's), without copying `base`. Read-only:
 * `set`, `delete` and `clear` throw. Neither Map may change afterwards (both are owned by the health state).
 */
export class LayeredConnections extends Map<string, ConnectionRecord> {
  private readonly base: ReadonlyMap<string, ConnectionRecord>;
  private readonly top: ReadonlyMap<string, ConnectionRecord>;
  private added = 0;

  /** `records` over `under` (itself flattened when it is layered: layers never stack). */
  static over(under: ReadonlyMap<string, ConnectionRecord>, records: Iterable<ConnectionRecord>): LayeredConnections {
    const base = under instanceof LayeredConnections ? under.base : under;
    const top = under instanceof LayeredConnections ? new Map(under.top) : new Map<string, ConnectionRecord>();
    for (const rec of records) top.set(rec.snapshot.id, rec);
    return new LayeredConnections(base, top);
  }

  private constructor(base: ReadonlyMap<string, ConnectionRecord>, top: ReadonlyMap<string, ConnectionRecord>) {
    super();
    this.base = base;
    this.top = top;
    for (const id of top.keys()) if (!base.has(id)) this.added++;
  }

  override get size(): number {
    return this.base.size + this.added;
  }

  override get(id: string): ConnectionRecord | undefined {
    return this.top.get(id) ?? this.base.get(id);
  }

  override has(id: string): boolean {
    return this.top.has(id) || this.base.has(id);
  }

  override *entries(): MapIterator<[string, ConnectionRecord]> {
    for (const [id, rec] of this.base) yield [id, this.top.get(id) ?? rec];
    for (const [id, rec] of this.top) if (!this.base.has(id)) yield [id, rec];
  }

  override *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  override *values(): MapIterator<ConnectionRecord> {
    for (const [, rec] of this.entries()) yield rec;
  }

  override [Symbol.iterator](): MapIterator<[string, ConnectionRecord]> {
    return this.entries();
  }

  override forEach(fn: (value: ConnectionRecord, key: string, map: Map<string, ConnectionRecord>) => void, thisArg?: unknown): void {
    for (const [id, rec] of this.entries()) fn.call(thisArg, rec, id, this);
  }

  override set(_id: string, _record: ConnectionRecord): this {
    throw new TypeError("layered connections are read-only");
  }

  override delete(_id: string): boolean {
    throw new TypeError("layered connections are read-only");
  }

  override clear(): void {
    throw new TypeError("layered connections are read-only");
  }
}
