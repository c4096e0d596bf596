import { forwardRef } from 'react';
import { Button, Field, Flex, TextInput, Typography } from '@strapi/design-system';
import { newspaperDateTime } from '../../contracts/dates';

/** Vietnam keeps UTC+7 all year (no daylight saving). */
const OFFSET_MS = 7 * 3600 * 1000;

/** "2026-11-29T09:30" as a clock in Vietnam shows the instant `iso`; '' for none. */
export const toVietnamTime = (iso: string | null | undefined) =>
  iso ? new Date(new Date(iso).getTime() + OFFSET_MS).toISOString().slice(0, 16) : '';

/** The instant a clock in Vietnam shows as `local` ("2026-11-29T09:30"); null for none. */
export const fromVietnamTime = (local: string) =>
  local ? new Date(Date.parse(`${local}:00.000Z`) - OFFSET_MS).toISOString() : null;

interface Props {
  name: string;
  value?: string | null;
  onChange: (event: { target: { name: string; value: string | null; type: string } }) => void;
  label?: string;
  hint?: string;
  error?: string;
  required?: boolean;
  disabled?: boolean;
}

/**
 * A date and time entered and shown in Vietnam's time (GMT+7), whatever the time zone of the
 * editor's browser: the newsroom schedules in its own time. Stored as an instant (UTC).
 */
export const VietnamDateTime = forwardRef<HTMLInputElement, Props>(function VietnamDateTime(
  { name, value, onChange, label, hint, error, required, disabled },
  ref
) {
  const set = (next: string | null) => onChange({ target: { name, value: next, type: 'datetime' } });
  return (
    <Field.Root name={name} id={name} hint={hint || 'Giờ Việt Nam (GMT+7).'} error={error} required={required}>
      <Field.Label>{label}</Field.Label>
      <Flex gap={2}>
        <TextInput
          ref={ref}
          type="datetime-local"
          name={name}
          aria-label={label}
          value={toVietnamTime(value)}
          disabled={disabled}
          onChange={(e: React.ChangeEvent<HTMLInputElement>) => set(fromVietnamTime(e.target.value))}
        />
        <Button variant="tertiary" disabled={disabled || !value} onClick={() => set(null)}>
          Xóa
        </Button>
      </Flex>
      {value && (
        <Typography variant="pi" textColor="neutral800" tag="p" data-testid={`${name}-vietnam-time`}>
          {newspaperDateTime(value)} (giờ Việt Nam)
        </Typography>
      )}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
});
