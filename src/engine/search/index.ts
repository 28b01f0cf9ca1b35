/** Front door of the settings search: successive halving over head settings on a run's cached features. */
export { searchForRun, searchHeadSettings, searchedOf } from './headSearch';
export { SEARCH_CANDIDATES, SEARCH_ETA, SEARCH_SPACE, rungEpochs } from './successiveHalving';
export type { SearchTrial, SearchedSettings, SettingsSearchResult } from './searchTypes';
