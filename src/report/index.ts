import type { CheckResult } from '../check/types.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export type Format = 'text' | 'markdown' | 'json';

export const RENDERERS = {
  text: (r) => renderText(r),
  markdown: renderMarkdown,
  json: renderJson,
} satisfies Record<Format, (result: CheckResult) => string>;

export const FORMATS = Object.keys(RENDERERS) as Format[];
