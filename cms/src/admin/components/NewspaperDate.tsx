import { Typography } from '@strapi/design-system';
import { newspaperDateTime } from '../../contracts/dates';

/** An instant as the newsroom writes it, in Vietnam's time: "Thứ ba, 16/08/2022 09:30"; "-" for none. */
export function NewspaperDate({ value }: { value: unknown }) {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
    return <Typography textColor="neutral800">-</Typography>;
  return (
    <Typography textColor="neutral800" title="Giờ Việt Nam">
      {newspaperDateTime(value)}
    </Typography>
  );
}
