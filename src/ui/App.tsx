import { useEffect } from 'react';
import { DatasetPicker } from './dataset/DatasetPicker';
import { DatasetSummary } from './dataset/DatasetSummary';
import { ExportPanel } from './model/ExportPanel';
import { ModelsNotice } from './backbones/ModelsNotice';
import { PredictPanel } from './predict/PredictPanel';
import { ProjectsBar } from './projects/ProjectsBar';
import { Results } from './results/Results';
import { RunAnnouncer } from './training/RunAnnouncer';
import { StepBar } from './steps/StepBar';
import { TrainPanel } from './training/TrainPanel';
import { TrainingCharts } from './training/TrainingCharts';
import { WebcamPanel } from './webcam/WebcamPanel';
import { studioActions } from './shared/useStudio';

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
      <StepBar />
      <RunAnnouncer />
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
