/**
 * The poll island: votes with fetch (the vote cookie rides along: credentials 'include'), shows
 * the result bars with percentages and the total, and remembers that this reader voted. Kept
 * tiny on purpose (< 3 KB gzip); without it, the form posts to the CMS and still works.
 */
import { T } from '../lib/strings';

interface Results {
  total: number;
  closed: boolean;
  options: { id: number; label: string; votes: number; percent: number }[];
}

const MSG = {
  thanks: T.pollThanks,
  already: T.pollAlreadyVoted,
  closed: T.pollClosed,
  hidden: T.pollHidden,
  tooMany: T.pollTooMany,
  error: T.pollError,
  offline: T.pollUnavailable,
  total: T.pollTotal,
};

function setup(box: HTMLElement) {
  const endpoint = box.dataset.endpoint!;
  const key = `poll:${box.dataset.poll}`;
  const form = box.querySelector('form')!;
  const panel = box.querySelector<HTMLElement>('.poll-results')!;

  const say = (text: string) => {
    panel.hidden = false;
    panel.querySelector('.poll-status')!.textContent = text;
  };

  const show = (r: Results, text: string) => {
    const list = document.createElement('ul');
    for (const o of r.options) {
      const li = document.createElement('li');
      const label = document.createElement('span');
      label.textContent = o.label;
      const pct = document.createElement('span');
      pct.className = 'pct';
      pct.textContent = ` ${o.percent}%`;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${o.percent}%`;
      li.append(label, pct, bar);
      list.append(li);
    }
    const total = document.createElement('p');
    total.className = 'meta';
    total.textContent = MSG.total(r.total);
    const status = document.createElement('p');
    status.className = 'poll-status';
    const question = document.createElement('p');
    question.className = 'poll-question';
    question.textContent = form.querySelector('legend')?.textContent ?? '';
    panel.replaceChildren(question, list, total, status);
    form.hidden = true;
    say(text);
  };

  const loadResults = async (text: string) => {
    try {
      const res = await fetch(`${endpoint}/results`, { credentials: 'include' });
      if (res.status === 403) return ((form.hidden = true), say(`${text} ${MSG.hidden}`));
      if (!res.ok) return say(MSG.offline);
      show(((await res.json()) as { data: Results }).data, text);
    } catch {
      say(MSG.offline);
    }
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const choice = new FormData(form).get('option');
    if (!choice) return;
    let res: Response;
    try {
      res = await fetch(`${endpoint}/votes`, {
        method: 'POST',
        credentials: 'include',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ option: Number(choice) }),
      });
    } catch {
      return say(MSG.offline);
    }
    const body = await res.json().catch(() => ({}));
    if (res.status === 201) {
      localStorage.setItem(key, String(choice));
      return body.data?.results
        ? show(body.data.results, MSG.thanks)
        : ((form.hidden = true), say(`${MSG.thanks} ${MSG.hidden}`));
    }
    if (res.status === 409 && body.error?.name === 'AlreadyVoted') {
      localStorage.setItem(key, String(body.error.details?.option ?? choice));
      return loadResults(MSG.already);
    }
    if (res.status === 409 && body.error?.name === 'PollClosed') return loadResults(MSG.closed);
    say(res.status === 429 ? MSG.tooMany : MSG.error);
  });

  if (localStorage.getItem(key)) void loadResults(MSG.already);
}

document.querySelectorAll<HTMLElement>('.poll[data-poll]').forEach(setup);
