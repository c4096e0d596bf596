/**
 * The CMS's custom fields and the type each stores (Strapi registers them under `global::`, and
 * the schema names them `"type": "customField", "customField": "global::<name>"`). Whatever reads
 * the schema files reads such a field as its stored type.
 */
export const CUSTOM_FIELDS = {
  /** A datetime entered and shown in Vietnam's time (cms/src/admin/components/VietnamDateTime.tsx). */
  'vietnam-datetime': 'datetime',
} as const;

/** The stored type of an attribute as a schema file declares it. */
export const storedType = (attribute: { type: string; customField?: string }): string =>
  attribute.type === 'customField' && attribute.customField?.startsWith('global::')
    ? (CUSTOM_FIELDS[attribute.customField.slice('global::'.length) as keyof typeof CUSTOM_FIELDS] ?? attribute.type)
    : attribute.type;
