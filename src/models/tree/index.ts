export { decisionTreeClassifier, decisionTreeRegressor } from './decision-tree.ts';
export { type FitWithValidation, type HgbParams, type HgbState, hgbClassifier, hgbRegressor } from './hgb.ts';
