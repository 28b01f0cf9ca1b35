import { useEffect } from 'react';
import { DatasetPicker } from './DatasetPicker';
import { DatasetSummary } from './DatasetSummary';
import { ExportPanel } from './ExportPanel';
import { ModelsNotice } from './ModelsNotice';
import { PredictPanel } from './PredictPanel';
import { ProjectsBar } from './ProjectsBar';
import { Results } from './Results';
import { TrainPanel } from './TrainPanel';
import { TrainingCharts } from './TrainingCharts';
import { WebcamPanel } from './WebcamPanel';
import { studioActions } from './useStudio';

/** The studio page. */
export function App() {
  useEffect(() => {
    void studioActions().loadModelsIndex();
  }, []);
  return (
    <main>
      <header>
        <h1>Fine-Tune Studio</h1>
        <p className="muted">Train an image classifier on your own pictures, in this tab, on this machine.</p>
      </header>
      <ProjectsBar />
      <ModelsNotice />
      <DatasetPicker />
      <DatasetSummary />
      <TrainPanel />
      <TrainingCharts />
      <Results />
      <ExportPanel />
      <PredictPanel />
      <WebcamPanel />
    </main>
  );
}
