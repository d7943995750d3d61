import type { Language } from './content.js';

/** The few words the layout itself prints; everything else arrives already in the letter's language. */
export interface Labels {
  date: string;
  reference: string;
  page: string;
  paymentDetails: string;
  organisationNumber: string;
  phone: string;
  email: string;
  website: string;
}

export const LABELS: Record<Language, Labels> = {
  sv: {
    date: 'Datum',
    reference: 'Vår referens',
    page: 'Sida',
    paymentDetails: 'Betalningsinformation',
    organisationNumber: 'Org.nr',
    phone: 'Telefon',
    email: 'E-post',
    website: 'Webb',
  },
  en: {
    date: 'Date',
    reference: 'Reference',
    page: 'Page',
    paymentDetails: 'Payment details',
    organisationNumber: 'Reg. no.',
    phone: 'Phone',
    email: 'Email',
    website: 'Web',
  },
  fi: {
    date: 'Päivämäärä',
    reference: 'Viitteemme',
    page: 'Sivu',
    paymentDetails: 'Maksutiedot',
    organisationNumber: 'Y-tunnus',
    phone: 'Puhelin',
    email: 'Sähköposti',
    website: 'Verkkosivut',
  },
};

/** BCP 47 tags written into the PDF so screen readers pick the right voice. */
export const LANGUAGE_TAGS: Record<Language, string> = { sv: 'sv-SE', en: 'en', fi: 'fi-FI' };
