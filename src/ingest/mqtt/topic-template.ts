import { AimassError } from '../../core/errors.ts';

/** A topic template such as `fleets/{fleet}/{key}`: the filter to subscribe and how to read a topic. */
export interface TopicTemplate {
  readonly template: string;
  /** The MQTT filter subscribed: `{…}` levels become `+` (a trailing `#` stays). */
  readonly filter: string;
  /** The named levels of a topic matching the filter, or null when it does not match. */
  match(topic: string): Record<string, string> | null;
}

const NAMED = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/**
 * Parses a template. Levels are literal text, `{name}` (one level, captured), `+` (one level,
 * ignored) or a final `#`. `{key}` is required (the entity key comes from the topic); `{fleet}` is
 * optional (a source can be bound to one fleet).
 */
export function parseTopicTemplate(template: string): TopicTemplate {
  const levels = template.split('/');
  const names: (string | null)[] = [];
  const filter: string[] = [];
  levels.forEach((level, i) => {
    const named = NAMED.exec(level);
    if (named) {
      if (names.includes(named[1])) throw bad(template, `"{${named[1]}}" appears twice`);
      names.push(named[1]);
      filter.push('+');
    } else if (level === '#') {
      if (i !== levels.length - 1) throw bad(template, '"#" must be the last level');
      names.push(null);
      filter.push('#');
    } else if (
      level.includes('{') ||
      level.includes('}') ||
      (level.includes('+') && level !== '+') ||
      level.includes('#')
    )
      throw bad(template, `level "${level}" mixes text with a placeholder or wildcard`);
    else {
      names.push(null);
      filter.push(level);
    }
  });
  if (!names.includes('key')) throw bad(template, 'it needs a {key} level (the entity key)');
  return {
    template,
    filter: filter.join('/'),
    match(topic: string) {
      const parts = topic.split('/');
      const out: Record<string, string> = {};
      for (let i = 0; i < levels.length; i++) {
        if (filter[i] === '#') return out;
        if (i >= parts.length) return null;
        const name = names[i];
        if (name !== null) {
          if (parts[i] === '') return null;
          out[name] = parts[i];
        } else if (filter[i] !== '+' && filter[i] !== parts[i]) return null;
      }
      return parts.length === levels.length ? out : null;
    },
  };
}

function bad(template: string, why: string): AimassError {
  return new AimassError('PARAM_INVALID', `MQTT topic template "${template}": ${why}`, {
    field: 'topic',
    value: template,
  });
}
