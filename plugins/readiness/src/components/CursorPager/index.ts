export { CursorPager, plural, useCursorPages } from './CursorPager';
