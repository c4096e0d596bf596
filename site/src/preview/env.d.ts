/// <reference types="astro/client" />

declare namespace App {
  interface Locals {
    /** Set by the preview's middleware for the page it renders. */
    preview?: {
      article: import('@newsroom/content/schema').Article;
      /** The admin's origin: the only one whose messages (a save) reload the preview. */
      adminOrigin: string;
      status: 'draft' | 'published';
    };
  }
}
