import admin from './vi/admin.json';
import contentManager from './vi/content-manager.json';
import contentReleases from './vi/content-releases.json';
import email from './vi/email.json';
import i18n from './vi/i18n.json';
import reviewWorkflows from './vi/review-workflows.json';
import upload from './vi/upload.json';
import usersPermissions from './vi/users-permissions.json';
import inCode from './vi-in-code.json';
import { SCREENS, SYSTEM_FIELDS } from '../../bootstrap/admin-screens';

/**
 * The admin's Vietnamese, filled where Strapi's own `vi` stops (it covers most of the admin core,
 * a quarter of the content manager and nothing of the media library). One file per namespace,
 * keyed as in Strapi's `en`; tests/cms/admin-translations.test.ts fails on any key Strapi's `en`
 * has that neither Strapi's `vi` nor these files give, so a Strapi upgrade that adds strings is caught.
 */
export const VI_NAMESPACES = {
  admin,
  'content-manager': contentManager,
  'content-releases': contentReleases,
  email,
  i18n,
  'review-workflows': reviewWorkflows,
  upload,
  'users-permissions': usersPermissions,
} satisfies Record<string, Record<string, string>>;

/**
 * The content manager asks for every field's label in forms and list headers by
 * `content-manager.content-types.<uid>.<field>`, with the label of the type's configuration as its
 * default: the same Vietnamese (bootstrap/admin-screens.ts writes that configuration), given here so
 * that it is no "missing message" on every screen.
 */
const fieldLabels = Object.fromEntries(
  Object.entries(SCREENS).flatMap(([uid, screen]) => [
    ...Object.entries(SYSTEM_FIELDS).map(([field, label]) => [`content-manager.content-types.${uid}.${field}`, label]),
    ...Object.entries(screen.fields).map(([field, text]) => [
      `content-manager.content-types.${uid}.${field}`,
      text.label,
    ]),
  ])
);

/**
 * As the admin takes custom translations: plugin keys prefixed with the plugin's id. Then the
 * messages Strapi's code asks for with an English default but its `en` files lack (the menu's
 * "Content Manager", the list's status column…), by their full ids: vi-in-code.json, found by
 * tests/site/admin-desk.test.ts walking the screens; last, every field's label (fieldLabels).
 */
export const vi: Record<string, string> = {
  ...Object.fromEntries(
    Object.entries(VI_NAMESPACES).flatMap(([namespace, messages]) =>
      Object.entries(messages).map(([key, value]) => [namespace === 'admin' ? key : `${namespace}.${key}`, value])
    )
  ),
  ...inCode,
  ...fieldLabels,
};
